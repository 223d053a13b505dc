using System.Runtime.Versioning;

// The tests start Debian's registry and skopeo and make bcrypt entries with crypt(3).
[assembly: SupportedOSPlatform("linux")]
