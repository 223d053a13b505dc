using System.Runtime.Versioning;

// Tree digests use statx(2) and Unix file modes; cache leases are flock(2) locks.
[assembly: SupportedOSPlatform("linux")]
