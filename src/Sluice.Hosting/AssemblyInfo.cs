using System.Runtime.Versioning;

// Process identity from /proc and the local backends: Linux only.
[assembly: SupportedOSPlatform("linux")]
