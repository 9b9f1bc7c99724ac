using System;
using System.IO;
using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// The raw bytes and text of one user input (a file or a PEM string), with the size and emptiness checks done
    /// once for all formats, and a phrase that names the input in every later error message.
    /// </summary>
    internal sealed class CertificateInput
    {
        /// <summary>1 MiB: a full chain with a key is a few KiB; anything this large is the wrong file.</summary>
        internal const long MaxInputBytes = 1024 * 1024;

        private CertificateInput(string inputName, string description, byte[] bytes, string text)
        {
            InputName = inputName;
            Description = description;
            Bytes = bytes;
            Text = text;
        }

        /// <summary>The user's parameter name, e.g. "CertificatePath".</summary>
        internal string InputName { get; }

        /// <summary>How messages refer to the input, e.g. "the file '/etc/x.pem' (-CertificatePath)".</summary>
        internal string Description { get; }

        /// <summary>The bytes as given (needed for DER and PFX).</summary>
        internal byte[] Bytes { get; }

        /// <summary>The bytes decoded as text (BOM removed), for PEM.</summary>
        internal string Text { get; }

        internal static CertificateInput FromFile(string path, string inputName)
        {
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            string description = "the file '" + path + "' (-" + inputName + ")";
            if (path.Trim().Length == 0)
            {
                throw new ApigInputException("FileNotFound", inputName,
                    "No file path was given for -" + inputName + ". Pass the path of an existing file.");
            }

            if (Directory.Exists(path))
            {
                throw new ApigInputException("PathIsDirectory", inputName,
                    "The path '" + path + "' given as -" + inputName + " is a directory. Pass the path of the file inside it.");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ApigInputException("FileNotFound", inputName,
                    "The file '" + path + "' given as -" + inputName + " does not exist. Check the path.");
            }

            // Size first: a wrongly chosen multi-GB file must not be read into memory.
            if (info.Length > MaxInputBytes)
            {
                throw TooLarge(inputName, description, info.Length);
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                throw new ApigInputException("FileNotReadable", inputName,
                    "Cannot read " + description + " (" + ex.GetType().Name + "). Check that the file is readable by the current user.", ex);
            }

            // The file may have grown between the check and the read.
            if (bytes.LongLength > MaxInputBytes)
            {
                throw TooLarge(inputName, description, bytes.LongLength);
            }

            return Create(inputName, description, bytes);
        }

        internal static CertificateInput FromString(string? value, string inputName)
        {
            string description = "-" + inputName;
            value = value ?? string.Empty;
            // UTF-8 counts what would be a file of the same content, so files and strings share one limit.
            long size = Encoding.UTF8.GetByteCount(value);
            if (size > MaxInputBytes)
            {
                throw TooLarge(inputName, description, size);
            }

            string text = StripBom(value);
            if (text.Trim().Length == 0)
            {
                throw Empty(inputName, description);
            }

            return new CertificateInput(inputName, description, Encoding.UTF8.GetBytes(text), text);
        }

        /// <summary>Wraps bytes that did not come from the user directly (e.g. an exported PFX).</summary>
        internal static CertificateInput FromBytes(byte[] bytes, string inputName, string description) =>
            new CertificateInput(inputName, description, bytes, string.Empty);

        private static CertificateInput Create(string inputName, string description, byte[] bytes)
        {
            string text = Decode(bytes);
            if (bytes.Length == 0 || text.Trim().Length == 0)
            {
                throw Empty(inputName, description);
            }

            return new CertificateInput(inputName, description, bytes, text);
        }

        /// <summary>
        /// UTF-8 by default; a UTF-16 BOM is honoured because Windows PowerShell 5.1's "&gt;" and Out-File
        /// write UTF-16LE, so PEM files saved that way are common.
        /// </summary>
        private static string Decode(byte[] bytes)
        {
            if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
            {
                return StripBom(Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2));
            }

            if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
            {
                return StripBom(Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2));
            }

            return StripBom(Encoding.UTF8.GetString(bytes));
        }

        private static string StripBom(string text) =>
            text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;

        private static ApigInputException TooLarge(string inputName, string description, long size) =>
            new ApigInputException("InputTooLarge", inputName,
                "The content of " + description + " is " + size + " bytes; certificate and key files are at most "
                + MaxInputBytes + " bytes (1 MiB). Check that you passed the certificate or key file and not another file.");

        private static ApigInputException Empty(string inputName, string description) =>
            new ApigInputException("FileEmpty", inputName,
                "The content of " + description + " is empty. Pass a file or text that holds the PEM (or DER) data.");
    }
}
