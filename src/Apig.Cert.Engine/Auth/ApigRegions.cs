using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Auth
{
    /// <summary>
    /// Region ids with an APIG endpoint in the official SDKs' region tables. For tab completion and hints only:
    /// a region missing here is still accepted, because Huawei Cloud adds regions faster than this list changes.
    /// </summary>
    public static class ApigRegions
    {
        public static IReadOnlyList<string> Known { get; } = Array.AsReadOnly(new[]
        {
            "af-south-1",
            "ae-ad-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "cn-east-2",
            "cn-east-3",
            "cn-north-1",
            "cn-north-2",
            "cn-north-4",
            "cn-north-9",
            "cn-south-1",
            "cn-southwest-2",
            "eu-west-0",
            "eu-west-101",
            "la-north-2",
            "la-south-2",
            "me-east-1",
            "my-kualalumpur-1",
            "na-mexico-1",
            "ru-moscow-1",
            "ru-northwest-2",
            "sa-brazil-1",
            "tr-west-1",
        });

        public static bool IsKnown(string region) =>
            ((IList<string>)Known).Contains(region);

        /// <summary>eu-west-101 lives under the .eu top-level domain; every other region under .com.</summary>
        public static Uri DefaultApigEndpoint(string region) =>
            new Uri("https://apig." + region + "." + TopLevelDomainOf(region));

        public static Uri DefaultIamEndpoint(string region) =>
            new Uri("https://iam." + region + "." + TopLevelDomainOf(region));

        private static string TopLevelDomainOf(string region) =>
            string.Equals(region, "eu-west-101", StringComparison.OrdinalIgnoreCase) ? "myhuaweicloud.eu" : "myhuaweicloud.com";
    }
}
