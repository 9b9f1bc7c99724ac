using System.Management.Automation;
using Apig.Cert.Completers;

namespace Apig.Cert.Commands
{
    /// <summary>Parameters shared by the cmdlets that act on one domain's certificate: the domain by property name.</summary>
    public abstract class DomainCertificateCmdlet : ApigCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        public string DomainId { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        public string? DomainName { get; set; }

        /// <summary>Defaults to the certificate bound to the domain.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? CertificateId { get; set; }

        private protected string Target => string.IsNullOrWhiteSpace(DomainName) ? DomainId : DomainName!;
    }
}
