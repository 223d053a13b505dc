using System.Runtime.Versioning;

// The command line drives the local Linux backends.
[assembly: SupportedOSPlatform("linux")]
