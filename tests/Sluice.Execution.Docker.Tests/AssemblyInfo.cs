using System.Runtime.Versioning;

// The backend under test binds host directories into Linux containers: Linux only.
[assembly: SupportedOSPlatform("linux")]
