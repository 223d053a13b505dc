using System.Runtime.Versioning;

// The host backend is Linux only (bubblewrap, process groups, /proc).
[assembly: SupportedOSPlatform("linux")]
