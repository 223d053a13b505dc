using System.Runtime.Versioning;

// The embedded engine runs containers on a local Docker daemon: Linux only.
[assembly: SupportedOSPlatform("linux")]
