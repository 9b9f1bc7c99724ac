using System;
using System.IO;
using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// The raw bytes and text of one user input (a file or a PEM string), with the size and emptiness checks done
    /// once for all formats, and a phrase that names the input in every later error message.
    /// </summary>
    internal sealed class RawInput : IDisposable
    {
        /// <summary>1 MiB: a full chain with a key is a few KiB; anything this large is the wrong file.</summary>
        internal const long MaxInputBytes = 1024 * 1024;

        private RawInput(string inputName, string description, byte[] bytes, char[] text)
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

        /// <summary>
        /// The bytes decoded as text (BOM removed), for PEM. A char array rather than a string, because it may hold a
        /// private key and a string cannot be cleared.
        /// </summary>
        internal char[] Text { get; }

        internal static RawInput FromFile(string path, string inputName)
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

            LocalFileKind kind;
            try
            {
                kind = LocalFile.KindOf(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is IOException)
            {
                throw new ApigInputException("FileNotFound", inputName,
                    "The path '" + path + "' given as -" + inputName + " is not a valid file path. Check the path.", ex);
            }

            switch (kind)
            {
                case LocalFileKind.Missing:
                    throw new ApigInputException("FileNotFound", inputName,
                        "The file '" + path + "' given as -" + inputName + " does not exist. Check the path.");
                case LocalFileKind.Directory:
                    throw new ApigInputException("PathIsDirectory", inputName,
                        "The path '" + path + "' given as -" + inputName + " is a directory. Pass the path of the file inside it.");
                case LocalFileKind.RegularFile:
                case LocalFileKind.Unknown:
                    break;
                default:
                    throw NotRegular(path, inputName, LocalFile.Describe(kind));
            }

            // Size first: a wrongly chosen multi-GB file must not be read into memory.
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxInputBytes)
            {
                throw TooLarge(inputName, description, info.Length);
            }

            byte[]? bytes;
            bool notRegular;
            try
            {
                // Bounded while reading, not only by Length: the file may grow after the check, or report no length at all.
                bytes = LocalFile.ReadBounded(path, MaxInputBytes, out notRegular);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                throw new ApigInputException("FileNotReadable", inputName,
                    "Cannot read " + description + " (" + ex.GetType().Name + "). Check that the file is readable by the current user.", ex);
            }

            if (notRegular)
            {
                throw NotRegular(path, inputName, "not a regular file");
            }

            if (bytes == null)
            {
                throw new ApigInputException("InputTooLarge", inputName,
                    "The content of " + description + " is more than " + MaxInputBytes + " bytes; certificate and key files are at most "
                    + MaxInputBytes + " bytes (1 MiB). Check that you passed the certificate or key file and not another file.");
            }

            return Create(inputName, description, bytes);
        }

        internal static RawInput FromString(string? value, string inputName)
        {
            string description = "-" + inputName;
            value = value ?? string.Empty;
            // UTF-8 counts what would be a file of the same content, so files and strings share one limit.
            long size = Encoding.UTF8.GetByteCount(value);
            if (size > MaxInputBytes)
            {
                throw TooLarge(inputName, description, size);
            }

            int start = value.Length > 0 && value[0] == '\uFEFF' ? 1 : 0;
            char[] text = value.ToCharArray(start, value.Length - start);
            if (IsBlank(text))
            {
                throw Empty(inputName, description);
            }

            return new RawInput(inputName, description, Encoding.UTF8.GetBytes(text), text);
        }

        /// <summary>
        /// Text that may hold a private key, as characters the input now owns (cleared on dispose with the bytes made from
        /// them): a secret read from a SecureString, or a key read out of an answer. <paramref name="description"/> names it in messages.
        /// </summary>
        internal static RawInput FromChars(char[] text, string inputName, string description)
        {
            int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            if (start > 0)
            {
                char[] rest = new char[text.Length - 1];
                Array.Copy(text, 1, rest, 0, rest.Length);
                Array.Clear(text, 0, text.Length);
                text = rest;
            }

            long size = Encoding.UTF8.GetByteCount(text);
            if (size > MaxInputBytes)
            {
                Array.Clear(text, 0, text.Length);
                throw TooLarge(inputName, description, size);
            }

            if (IsBlank(text))
            {
                throw Empty(inputName, description);
            }

            return new RawInput(inputName, description, Encoding.UTF8.GetBytes(text), text);
        }

        /// <summary>Wraps bytes that did not come from the user directly (e.g. an exported PFX).</summary>
        internal static RawInput FromBytes(byte[] bytes, string inputName, string description) =>
            new RawInput(inputName, description, bytes, new char[0]);

        /// <summary>Clears the bytes and text: an input can hold a private key.</summary>
        public void Dispose()
        {
            Array.Clear(Bytes, 0, Bytes.Length);
            Array.Clear(Text, 0, Text.Length);
        }

        private static RawInput Create(string inputName, string description, byte[] bytes)
        {
            char[] text = Decode(bytes);
            if (bytes.Length == 0 || IsBlank(text))
            {
                throw Empty(inputName, description);
            }

            return new RawInput(inputName, description, bytes, text);
        }

        /// <summary>
        /// UTF-8 by default; a UTF-16 BOM is honoured because Windows PowerShell 5.1's "&gt;" and Out-File
        /// write UTF-16LE, so PEM files saved that way are common.
        /// </summary>
        private static char[] Decode(byte[] bytes)
        {
            if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
            {
                return StripBom(Encoding.Unicode.GetChars(bytes, 2, bytes.Length - 2));
            }

            if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
            {
                return StripBom(Encoding.BigEndianUnicode.GetChars(bytes, 2, bytes.Length - 2));
            }

            return StripBom(Encoding.UTF8.GetChars(bytes));
        }

        private static char[] StripBom(char[] text)
        {
            if (text.Length == 0 || text[0] != '\uFEFF')
            {
                return text;
            }

            char[] rest = new char[text.Length - 1];
            Array.Copy(text, 1, rest, 0, rest.Length);
            Array.Clear(text, 0, text.Length);
            return rest;
        }

        private static bool IsBlank(char[] text)
        {
            foreach (char c in text)
            {
                if (!char.IsWhiteSpace(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static ApigInputException NotRegular(string path, string inputName, string what) =>
            new ApigInputException("PathIsNotRegularFile", inputName,
                "The path '" + path + "' given as -" + inputName + " is " + what
                + ", not a regular file; it was not read. Pass the path of the certificate or key file itself.");

        private static ApigInputException TooLarge(string inputName, string description, long size) =>
            new ApigInputException("InputTooLarge", inputName,
                "The content of " + description + " is " + size + " bytes; certificate and key files are at most "
                + MaxInputBytes + " bytes (1 MiB). Check that you passed the certificate or key file and not another file.");

        private static ApigInputException Empty(string inputName, string description) =>
            new ApigInputException("FileEmpty", inputName,
                "The content of " + description + " is empty. Pass a file or text that holds the PEM (or DER) data.");
    }
}
