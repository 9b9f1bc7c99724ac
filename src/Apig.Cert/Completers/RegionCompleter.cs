using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Completers
{
    /// <summary>Completes -Region from the regions APIG is offered in.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return KnownRegions()
                .Where(region => region.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .OrderBy(region => region, StringComparer.Ordinal)
                .Select(region => new CompletionResult(region, region, CompletionResultType.ParameterValue, region))
                .ToList();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IReadOnlyList<string> KnownRegions() => Apig.Cert.Engine.Connection.ApigRegions.Known;
    }
}
