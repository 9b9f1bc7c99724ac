namespace Apig.Cert.Engine.Api
{
    /// <summary>The filters ListCertificatesV2 takes besides the instance; null or blank is not sent.</summary>
    internal sealed class CertificateQuery
    {
        /// <summary>As APIG matches it (the API does not say exact or partial): callers that need exact or wildcard matching check again.</summary>
        public string? Name { get; set; }

        public string? CommonName { get; set; }

        /// <summary>"global" or "instance".</summary>
        public string? Type { get; set; }

        /// <summary>RSA, ECC or SM2.</summary>
        public string? AlgorithmType { get; set; }

        public string? SignatureAlgorithm { get; set; }
    }
}
