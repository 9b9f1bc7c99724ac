using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>Which of a domain's bound certificates an input asks for.</summary>
    public sealed class CertificateChoice
    {
        private CertificateChoice(string? certificateId, bool typed)
        {
            CertificateId = certificateId;
            IsTyped = typed;
        }

        /// <summary>Every certificate bound to the domain (RSA, ECC, SM2), whatever a piped Get-ApigDomain object's CertificateId shows.</summary>
        public static CertificateChoice EveryBound { get; } = new CertificateChoice(null, typed: false);

        /// <summary>An id typed on the command line: used as given, and APIG answers for an id it does not know.</summary>
        public static CertificateChoice Typed(string? certificateId) =>
            new CertificateChoice(ApigIds.EnsureValid(certificateId, "CertificateId"), typed: true);

        /// <summary>An id from a piped object (an earlier result): checked against what is bound now.</summary>
        public static CertificateChoice Piped(string? certificateId) =>
            new CertificateChoice(ApigIds.EnsureValid(certificateId, "CertificateId"), typed: false);

        /// <summary>Null for every bound certificate.</summary>
        public string? CertificateId { get; }

        public bool IsTyped { get; }
    }
}
