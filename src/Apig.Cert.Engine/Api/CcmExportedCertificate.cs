using System;
using System.Text.Json;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// The answer of CCM's ExportCertificate: {certificate, certificate_chain, entire_certificate, private_key}. The
    /// certificates are public and kept as strings; the private key only as characters, cleared by <see cref="Dispose"/>
    /// unless <see cref="TakePrivateKey"/> handed them on.
    /// </summary>
    internal sealed class CcmExportedCertificate : IDisposable
    {
        private char[]? _privateKey;

        private CcmExportedCertificate()
        {
        }

        public string? Certificate { get; private set; }

        public string? CertificateChain { get; private set; }

        public string? EntireCertificate { get; private set; }

        public bool HasPrivateKey => _privateKey != null && _privateKey.Length > 0;

        /// <summary>The key's characters; the caller owns (and clears) them from now on.</summary>
        public char[] TakePrivateKey()
        {
            char[] key = _privateKey ?? new char[0];
            _privateKey = null;
            return key;
        }

        public void Dispose()
        {
            if (_privateKey != null) Array.Clear(_privateKey, 0, _privateKey.Length);
            _privateKey = null;
        }

        /// <summary>Reads the answer token by token: the key goes from the bytes straight into a char array, never a string.</summary>
        internal static CcmExportedCertificate Read(ArraySegment<byte> utf8)
        {
            var result = new CcmExportedCertificate();
            try
            {
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(utf8.Array, utf8.Offset, utf8.Count), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException("The export answer is not a JSON object.");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("private_key"))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (result._privateKey != null) Array.Clear(result._privateKey, 0, result._privateKey.Length);
                            result._privateKey = CopyChars(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else if (reader.ValueTextEquals("certificate"))
                    {
                        result.Certificate = ReadText(ref reader);
                    }
                    else if (reader.ValueTextEquals("certificate_chain"))
                    {
                        result.CertificateChain = ReadText(ref reader);
                    }
                    else if (reader.ValueTextEquals("entire_certificate"))
                    {
                        result.EntireCertificate = ReadText(ref reader);
                    }
                    else
                    {
                        // enc_certificate / enc_private_key (SM2) and anything newer: not used, skipped unread.
                        reader.Read();
                        reader.Skip();
                    }
                }

                return result;
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }

        private static string? ReadText(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
            return null;
        }

        // Unescaped characters never outnumber the encoded bytes, so the first buffer is large enough; it is cleared once copied.
        private static char[] CopyChars(ref Utf8JsonReader reader)
        {
            int upperBound = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            var buffer = new char[upperBound];
            try
            {
                int written = reader.CopyString(buffer);
                var exact = new char[written];
                Array.Copy(buffer, exact, written);
                return exact;
            }
            finally
            {
                Array.Clear(buffer, 0, buffer.Length);
            }
        }
    }
}
