using System.Runtime.Versioning;

// Local backends bind host directories into Linux containers and process groups: Linux only.
[assembly: SupportedOSPlatform("linux")]
