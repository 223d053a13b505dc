using System.Runtime.Versioning;

// The tests set Unix file modes and start Debian's registry and skopeo.
[assembly: SupportedOSPlatform("linux")]
