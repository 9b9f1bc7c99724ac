using System.Management.Automation;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>The cmdlets that act on the certificates already bound to a domain (Get-, Remove-).</summary>
    public abstract class DomainCertificateCmdlet : DomainBatchCmdlet
    {
        private bool _certificateIdFromCommandLine;

        /// <summary>A domain from Get-ApigDomain: all of its certificates, whatever its CertificateId property shows.</summary>
        [Parameter(ValueFromPipeline = true)]
        public ApigDomain? InputObject { get; set; }

        /// <summary>Narrows to one certificate. Default: every certificate bound to the domain.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? CertificateId { get; set; }

        protected override void BeginProcessing()
        {
            // Piped values bind after BeginProcessing: what is bound now was typed on the command line.
            _certificateIdFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(CertificateId)) && !string.IsNullOrEmpty(CertificateId);
            base.BeginProcessing();
        }

        /// <summary>
        /// Which certificate the current input asks for: one typed on the command line is used as given (APIG answers
        /// for an unknown one); one from a piped object (an earlier result) is checked against what is bound now; a piped
        /// Get-ApigDomain object (whose CertificateId is only ssl_id, the RSA one) asks for all of them.
        /// </summary>
        private protected CertificateChoice CurrentChoice()
        {
            if (_certificateIdFromCommandLine)
            {
                return CertificateChoice.Typed(CertificateId);
            }

            if (InputObject != null || string.IsNullOrEmpty(CertificateId))
            {
                return CertificateChoice.EveryBound;
            }

            return CertificateChoice.Piped(CertificateId);
        }

        /// <summary>
        /// The current input's bound-certificate use-case (over its connection's client and group cache). Per input: capture
        /// it before building a lambda.
        /// </summary>
        private protected DomainCertificates BoundCertificates
        {
            get
            {
                GroupLookup groups = Groups;
                return Connection.Get(c => new DomainCertificates(c.Client, groups, c.ProjectId, c.Log));
            }
        }
    }
}
