using System.Collections.Generic;
namespace Apig.Cert.Engine.Auth
{
    // Stub until the HTTP branch lands.
    public static class ApigRegions { public static IReadOnlyList<string> Known => new[] { "cn-north-4" }; }
    public static class EnvironmentCredentials { public static void Apply(ApigConnectionSettings s, System.Func<string, string?> env) { } }
}
