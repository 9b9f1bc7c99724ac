using System.Collections.Concurrent;
using System.Management.Automation;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// New- and Set-ApigDomain write their ApigDomain under an extra type name, so their default table shows Changed and
    /// the settings next to the name, while Get-ApigDomain's table stays as it is. The object is still an ApigDomain
    /// (-is, property binding, Format-Table -View Ids).
    /// </summary>
    internal static class DomainSettingsOutput
    {
        public const string TypeName = "Apig.Cert.ApigDomain#Settings";

        public static PSObject Shown(ApigDomain domain)
        {
            PSObject shown = new PSObject(domain);
            shown.TypeNames.Insert(0, TypeName);
            return shown;
        }
    }

    /// <summary>Names of domains one warning of the command is about, collected from concurrent work and written once at the end.</summary>
    internal sealed class DomainsToWarnAbout
    {
        private readonly ConcurrentQueue<string> _names = new ConcurrentQueue<string>();

        public void Add(string domainName) => _names.Enqueue(domainName);

        public bool Any => !_names.IsEmpty;

        public string[] Names => _names.ToArray();
    }
}
