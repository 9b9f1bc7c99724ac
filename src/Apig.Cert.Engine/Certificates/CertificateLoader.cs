using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Turns what users hold (PEM/DER files, PFX, an X509Certificate2, PEM strings) into one checked
    /// <see cref="CertificateBundle"/>. Every failure is a <see cref="ApigInputException"/>.
    /// </summary>
    public static class CertificateLoader
    {
        public static CertificateBundle FromFiles(string certificatePath, string privateKeyPath, SecureString? privateKeyPassword) =>
            throw new NotImplementedException();

        public static CertificateBundle FromPem(string certificatePem, string privateKeyPem, SecureString? privateKeyPassword) =>
            throw new NotImplementedException();

        public static CertificateBundle FromPfxFile(string pfxPath, SecureString? pfxPassword) =>
            throw new NotImplementedException();

        public static CertificateBundle FromX509(X509Certificate2 certificate, X509Certificate2Collection? chain) =>
            throw new NotImplementedException();
    }
}
