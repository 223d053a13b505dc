using System.Runtime.Versioning;

// The conformance suite drives the local Docker backend: Linux only.
[assembly: SupportedOSPlatform("linux")]
