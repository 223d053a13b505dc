using System.Runtime.Versioning;

// The benchmarks drive the local Linux backends.
[assembly: SupportedOSPlatform("linux")]
