using System.Runtime.Versioning;

// The bench spawns the Linux sluice binary under GNU time.
[assembly: SupportedOSPlatform("linux")]
