using System.Runtime.Versioning;

// Bind mounts of host directories and the local Docker socket: Linux only.
[assembly: SupportedOSPlatform("linux")]
