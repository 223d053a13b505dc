using System.Runtime.Versioning;

// The sluice command targets Linux.
[assembly: SupportedOSPlatform("linux")]
