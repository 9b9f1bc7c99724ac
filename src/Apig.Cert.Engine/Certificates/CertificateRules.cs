using System;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>The rules APIG applies to a certificate, checked locally so nothing bad is ever sent.</summary>
    public static class CertificateRules
    {
        public static void EnsureValidName(string name, string inputName) => throw new NotImplementedException();

        public static string DefaultName(CertificateBundle bundle) => throw new NotImplementedException();

        public static bool Covers(CertificateBundle bundle, string domainName) => throw new NotImplementedException();

        public static void EnsureCovers(CertificateBundle bundle, string domainName, string inputName) => throw new NotImplementedException();

        public static void EnsureCurrentlyValid(CertificateBundle bundle, DateTime utcNow, string inputName) => throw new NotImplementedException();
    }
}
