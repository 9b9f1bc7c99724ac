using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>
    /// Where Certificate Manager (CCM, service "scm") is reached from a region. CCM is a global service: the SDKs know
    /// endpoints in three regions only, and an account's certificates are served from the one of its site.
    /// </summary>
    /// <remarks>
    /// | Connected region                                  | CCM region        | Why                                                        |
    /// | ------------------------------------------------- | ----------------- | ---------------------------------------------------------- |
    /// | cn-north-4, ap-southeast-1, my-kualalumpur-1      | itself            | CCM serves it                                              |
    /// | cn-* (Chinese mainland: cn-north-1, cn-east-3...) | cn-north-4        | the Chinese mainland site's CCM (Beijing)                  |
    /// | every other region (ap-southeast-2/3/4, af-*,     | ap-southeast-1    | the international site's CCM (Hong Kong), the one the SDK  |
    /// | la-*, sa-*, tr-*, me-*, ae-*, eu-*, ru-*, na-*)   |                   | examples use outside the Chinese mainland                  |
    /// Nearest is by site, not by distance: a Singapore (ap-southeast-3) account's certificates are in the international
    /// site's CCM, not in Kuala Lumpur's. Connect-Apig -CcmEndpoint overrides the choice.
    /// </remarks>
    public static class CcmEndpoints
    {
        public static IReadOnlyList<string> ServedRegions { get; } = Array.AsReadOnly(new[] { "cn-north-4", "ap-southeast-1", "my-kualalumpur-1" });

        /// <summary>The CCM region for a connected region (see the table above).</summary>
        public static string RegionFor(string region)
        {
            string given = (region ?? string.Empty).Trim().ToLowerInvariant();
            if (((IList<string>)ServedRegions).Contains(given)) return given;
            return given.StartsWith("cn-", StringComparison.Ordinal) ? "cn-north-4" : "ap-southeast-1";
        }

        public static Uri DefaultEndpoint(string region) => new Uri("https://scm." + RegionFor(region) + ".myhuaweicloud.com");
    }
}
