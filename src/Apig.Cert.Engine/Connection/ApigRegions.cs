using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>
    /// Region ids with an APIG endpoint in the official SDKs' region tables. Without -Endpoint a region missing here
    /// is refused (a typo would otherwise only fail later as a DNS error); with -Endpoint any well-formed region is
    /// accepted, because Huawei Cloud adds regions faster than this list changes.
    /// </summary>
    public static class ApigRegions
    {
        public static IReadOnlyList<string> Known { get; } = Array.AsReadOnly(new[]
        {
            "ae-ad-1",
            "af-south-1",
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

        /// <summary>
        /// The known regions closest to <paramref name="region"/> by edit distance, for "did you mean" hints: those at
        /// the smallest distance, and only when that distance still looks like a typo.
        /// </summary>
        public static IReadOnlyList<string> Nearest(string region, int count = 3)
        {
            string given = (region ?? string.Empty).Trim().ToLowerInvariant();
            int tolerance = Math.Max(2, given.Length / 3);
            var scored = new List<KeyValuePair<string, int>>();
            foreach (string known in Known)
            {
                int distance = EditDistance(given, known);
                if (distance <= tolerance) scored.Add(new KeyValuePair<string, int>(known, distance));
            }

            scored.Sort((a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : string.CompareOrdinal(a.Key, b.Key));
            // Only the closest: for cn-nort-4, cn-north-4 (one edit), not also cn-north-1 (two).
            var nearest = new List<string>();
            for (int i = 0; i < scored.Count && i < count && scored[i].Value == scored[0].Value; i++) nearest.Add(scored[i].Key);
            return nearest;
        }

        /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
        internal static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
                }

                int[] swap = previous;
                previous = current;
                current = swap;
            }

            return previous[b.Length];
        }

        /// <summary>eu-west-101 lives under the .eu top-level domain; every other region under .com.</summary>
        public static Uri DefaultApigEndpoint(string region) =>
            new Uri("https://apig." + region + "." + TopLevelDomainOf(region));

        public static Uri DefaultIamEndpoint(string region) =>
            new Uri("https://iam." + region + "." + TopLevelDomainOf(region));

        private static string TopLevelDomainOf(string region) =>
            string.Equals(region, "eu-west-101", StringComparison.OrdinalIgnoreCase) ? "myhuaweicloud.eu" : "myhuaweicloud.com";
    }
}
