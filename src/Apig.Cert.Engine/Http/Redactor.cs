using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// Masks secrets before anything reaches a log line. Everything the engine writes to Debug passes through here,
    /// so a secret would have to slip past both the header list and the JSON walk to leak.
    /// </summary>
    public static class Redactor
    {
        public const string Mask = "***";

        /// <summary>Bodies longer than this are cut after redaction (redacting first means a cut can never expose half a key).</summary>
        public const int MaxBodyChars = 4096;

        private static readonly HashSet<string> SensitiveHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Authorization", "Proxy-Authorization", "X-Auth-Token", "X-Subject-Token", "X-Security-Token", "Cookie", "Set-Cookie",
        };

        // One list for the JSON walk and for the patterns that stand in for it on text that is not JSON.
        private static readonly string[] SensitivePropertyNames =
        {
            "private_key", "private_key_sign", "enc_private_key", "password", "secret", "secret_key", "sk", "token", "security_token", "access_token",
            "id_token", "refresh_token",
        };

        private static readonly HashSet<string> SensitiveProperties = new HashSet<string>(SensitivePropertyNames, StringComparer.OrdinalIgnoreCase);

        private static readonly string SensitiveName = "\"(?<name>" + string.Join("|", SensitivePropertyNames) + ")\"\\s*:\\s*";

        private static readonly Regex PemPrivateKey = new Regex(
            @"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
            RegexOptions.Singleline | RegexOptions.CultureInvariant);

        private static readonly Regex SensitiveStringProperty = new Regex(
            SensitiveName + "\"(?:[^\"\\\\]|\\\\.)*(\"|$)",
            RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);

        private static readonly Regex SensitiveScalarProperty = new Regex(
            SensitiveName + "(?<value>[^\"{\\[\\s,}\\]][^,}\\]\\s]*)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static bool IsSensitiveHeader(string name) => SensitiveHeaders.Contains(name);

        /// <summary>The value to log for a header: the mask for credential headers, the value otherwise.</summary>
        public static string RedactHeader(string name, string? value)
        {
            if (IsSensitiveHeader(name)) return Mask;
            return value ?? string.Empty;
        }

        /// <summary>
        /// Masks the values of credential-like JSON properties at any depth ("private_key":"***"). Text that is not valid
        /// JSON (e.g. a cut-off body) is masked by pattern instead, and PEM private-key blocks are masked wherever they appear.
        /// </summary>
        public static string RedactJson(string json)
        {
            if (string.IsNullOrEmpty(json)) return json ?? string.Empty;

            string redacted;
            try
            {
                using (var document = JsonDocument.Parse(json))
                {
                    redacted = Redacted(document);
                }
            }
            catch (JsonException)
            {
                redacted = SensitiveStringProperty.Replace(json, m => "\"" + m.Groups["name"].Value + "\":\"" + Mask + "\"");
                redacted = SensitiveScalarProperty.Replace(redacted, m => "\"" + m.Groups["name"].Value + "\":\"" + Mask + "\"");
            }

            return PemPrivateKey.Replace(redacted, Mask);
        }

        /// <summary>A body ready for a Debug line: redacted, then cut to <see cref="MaxBodyChars"/>.</summary>
        public static string RedactBody(string? body)
        {
            if (string.IsNullOrEmpty(body)) return "(empty)";
            return Cut(RedactJson(body!));
        }

        /// <summary>
        /// The same for a body still in UTF-8: valid JSON is redacted straight from the bytes, so a request that carries a
        /// private key never has the key decoded into a string just to be masked.
        /// </summary>
        public static string RedactBody(byte[]? utf8Body) =>
            utf8Body == null ? "(empty)" : RedactBody(new ArraySegment<byte>(utf8Body));

        /// <summary>The same for part of an array (an answer as received: a CCM export carries a private key).</summary>
        public static string RedactBody(ArraySegment<byte> utf8Body)
        {
            if (utf8Body.Array == null || utf8Body.Count == 0) return "(empty)";
            string redacted;
            try
            {
                using (var document = JsonDocument.Parse(new ReadOnlyMemory<byte>(utf8Body.Array, utf8Body.Offset, utf8Body.Count)))
                {
                    redacted = PemPrivateKey.Replace(Redacted(document), Mask);
                }
            }
            catch (JsonException)
            {
                return RedactBody(Encoding.UTF8.GetString(utf8Body.Array, utf8Body.Offset, utf8Body.Count));
            }

            return Cut(redacted);
        }

        private static string Cut(string redacted) =>
            redacted.Length <= MaxBodyChars
                ? redacted
                : redacted.Substring(0, MaxBodyChars) + "... (" + redacted.Length + " chars, truncated)";

        private static string Redacted(JsonDocument document)
        {
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    WriteRedacted(document.RootElement, writer);
                }

                return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }

        private static void WriteRedacted(JsonElement element, Utf8JsonWriter writer)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        // A sensitive name holding an object (IAM's "token": {"expires_at": ...}) is walked, not hidden: the
                        // secret values inside are masked by name, and the harmless ones stay useful for debugging.
                        if (SensitiveProperties.Contains(property.Name) && property.Value.ValueKind != JsonValueKind.Object)
                        {
                            writer.WriteStringValue(Mask);
                        }
                        else
                        {
                            WriteRedacted(property.Value, writer);
                        }
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) WriteRedacted(item, writer);
                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
