using System;

namespace Apig.Cert
{
    /// <summary>
    /// Bad input (certificate material, names, ids, endpoints), found before anything is sent. <see cref="ErrorId"/> is a stable PascalCase id
    /// (e.g. "CertificateKeyMismatch"); <see cref="InputName"/> names the parameter the user should fix
    /// (e.g. "PrivateKeyPath"). The message names the input and the fix and never contains key material.
    /// </summary>
    public sealed class ApigInputException : Exception
    {
        public ApigInputException(string errorId, string inputName, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            InputName = inputName;
        }

        public string ErrorId { get; }

        public string InputName { get; }
    }
}
