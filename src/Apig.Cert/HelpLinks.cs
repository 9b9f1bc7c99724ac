namespace Apig.Cert
{
    /// <summary>
    /// Get-Help -Online addresses: the README section of each cmdlet, under the manifest's ProjectUri. The help build
    /// writes the same address as each cmdlet's first related link (from the README headings), and a test checks both
    /// agree and that each anchor exists.
    /// </summary>
    internal static class HelpLinks
    {
        private const string Readme = "https://github.com/apig-cert/Apig.Cert/blob/main/README.md";

        public const string ConnectApig = Readme + "#connect-apig";
        public const string DisconnectApig = Readme + "#disconnect-apig-get-apigcontext";
        public const string GetApigContext = Readme + "#disconnect-apig-get-apigcontext";
        public const string GetApigInstance = Readme + "#get-apiginstance-get-apiggroup-get-apigdomain";
        public const string GetApigGroup = Readme + "#get-apiginstance-get-apiggroup-get-apigdomain";
        public const string GetApigDomain = Readme + "#get-apiginstance-get-apiggroup-get-apigdomain";
        public const string GetApigDomainCertificate = Readme + "#get-apigdomaincertificate";
        public const string RemoveApigDomainCertificate = Readme + "#remove-apigdomaincertificate";
        public const string SetApigDomainCertificate = Readme + "#set-apigdomaincertificate";
        public const string GetApigCertificate = Readme + "#get-apigcertificate-new-apigcertificate-set-apigcertificate-remove-apigcertificate";
        public const string NewApigCertificate = Readme + "#get-apigcertificate-new-apigcertificate-set-apigcertificate-remove-apigcertificate";
        public const string SetApigCertificate = Readme + "#get-apigcertificate-new-apigcertificate-set-apigcertificate-remove-apigcertificate";
        public const string RemoveApigCertificate = Readme + "#get-apigcertificate-new-apigcertificate-set-apigcertificate-remove-apigcertificate";
        public const string GetApigCcmCertificate = Readme + "#get-apigccmcertificate";
        public const string GetApigCertificateBinding = Readme + "#get-apigcertificatebinding-add-apigcertificatebinding-remove-apigcertificatebinding";
        public const string AddApigCertificateBinding = Readme + "#get-apigcertificatebinding-add-apigcertificatebinding-remove-apigcertificatebinding";
        public const string RemoveApigCertificateBinding = Readme + "#get-apigcertificatebinding-add-apigcertificatebinding-remove-apigcertificatebinding";
        public const string NewApigDomain = Readme + "#new-apigdomain-set-apigdomain-remove-apigdomain";
        public const string SetApigDomain = Readme + "#new-apigdomain-set-apigdomain-remove-apigdomain";
        public const string RemoveApigDomain = Readme + "#new-apigdomain-set-apigdomain-remove-apigdomain";
        public const string TestApigDomainCertificate = Readme + "#test-apigdomaincertificate";
    }
}
