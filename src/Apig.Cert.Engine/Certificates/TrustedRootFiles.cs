using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Private root certificates to trust when a server's chain is evaluated: PEM files (any number of certificates
    /// each), DER files, or folders of them. Public material: nothing here is secret.
    /// </summary>
    public static class TrustedRootFiles
    {
        private const long MaxFileBytes = 4 * 1024 * 1024;

        private static readonly string[] s_folderExtensions = { ".pem", ".crt", ".cer", ".der" };

        /// <summary>The DER of every certificate in the given files and folders; a clear input error for a path that holds none.</summary>
        public static IReadOnlyList<byte[]> Load(IEnumerable<string> paths, string inputName)
        {
            var roots = new List<byte[]>();
            foreach (string given in paths ?? Enumerable.Empty<string>())
            {
                string path = (given ?? string.Empty).Trim();
                if (path.Length == 0)
                {
                    continue;
                }

                if (Directory.Exists(path))
                {
                    var found = Directory.GetFiles(path)
                        .Where(file => s_folderExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                        .OrderBy(file => file, StringComparer.Ordinal)
                        .SelectMany(file => ReadFile(file, inputName))
                        .ToList();
                    if (found.Count == 0)
                    {
                        throw new ApigInputException("TrustedRootInvalid", inputName,
                            "The folder '" + path + "' holds no certificate file (*.pem, *.crt, *.cer, *.der). Give the root certificate's file or a folder that holds it.");
                    }

                    roots.AddRange(found);
                    continue;
                }

                if (!File.Exists(path))
                {
                    throw new ApigInputException("FileNotFound", inputName,
                        "The trusted root file '" + path + "' does not exist. Give the path of the root certificate (PEM or DER) or of a folder of them.");
                }

                roots.AddRange(ReadFile(path, inputName));
            }

            return roots;
        }

        private static IReadOnlyList<byte[]> ReadFile(string path, string inputName)
        {
            byte[]? bytes = LocalFile.ReadBounded(path, MaxFileBytes, out bool notRegular);
            if (bytes is null)
            {
                throw new ApigInputException("TrustedRootInvalid", inputName,
                    "'" + path + "' is " + (notRegular ? "not a regular file" : "larger than 4 MB") + "; give a root certificate file (PEM or DER).");
            }

            var certificates = new List<byte[]>();
            char[] text = Encoding.UTF8.GetChars(bytes);
            try
            {
                if (PemBlock.LooksLikePem(text))
                {
                    foreach (PemBlock block in PemBlock.ParseAll(text))
                    {
                        // Only certificates: a key block in a root file is skipped, never read.
                        if ((block.Label == "CERTIFICATE" || block.Label == "X509 CERTIFICATE" || block.Label == "TRUSTED CERTIFICATE")
                            && InputContents.TryParseCertificate(block.Der) != null)
                        {
                            certificates.Add(block.Der!);
                        }
                        else
                        {
                            block.Clear();
                        }
                    }
                }
                else if (InputContents.TryParseCertificate(bytes) != null)
                {
                    certificates.Add(bytes);
                }
            }
            finally
            {
                Array.Clear(text, 0, text.Length);
            }

            if (certificates.Count == 0)
            {
                throw new ApigInputException("TrustedRootInvalid", inputName,
                    "'" + path + "' holds no certificate (neither PEM -----BEGIN CERTIFICATE----- blocks nor a DER certificate). Give the root certificate's file.");
            }

            return certificates;
        }
    }
}
