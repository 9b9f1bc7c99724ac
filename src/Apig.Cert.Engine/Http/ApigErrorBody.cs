using System;
using System.Text.Json;

namespace Apig.Cert.Engine.Http
{
    /// <summary>Reads the error code and message out of an error answer, whichever of the services' shapes it has.</summary>
    internal static class ApigErrorBody
    {
        /// <summary>Both null when the body is no JSON object or has no known error fields.</summary>
        internal static (string? Code, string? Message) Parse(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return (null, null);
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) return (null, null);

                    if (root.TryGetProperty("error_code", out var code))
                    {
                        return (ScalarText(code), root.TryGetProperty("error_msg", out var msg) ? ScalarText(msg) : null);
                    }

                    // IAM (Keystone) shape: {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}.
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        string? message = error.TryGetProperty("message", out var m) ? ScalarText(m) : null;
                        if (message == null && error.TryGetProperty("title", out var t)) message = ScalarText(t);
                        return (error.TryGetProperty("code", out var c) ? ScalarText(c) : null, message);
                    }

                    if (root.TryGetProperty("code", out var plainCode))
                    {
                        return (ScalarText(plainCode), root.TryGetProperty("message", out var plainMessage) ? ScalarText(plainMessage) : null);
                    }
                }
            }
            catch (JsonException)
            {
            }

            return (null, null);
        }

        /// <summary>The codes with which the gateway rejects an expired token: the one 401 a fresh token fixes.</summary>
        internal static bool IsExpiredTokenCode(string? code) =>
            string.Equals(code, "APIG.1001", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "APIG.0307", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "APIGW.0307", StringComparison.OrdinalIgnoreCase);

        private static string? ScalarText(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: return element.GetString();
                case JsonValueKind.Number: return element.GetRawText();
                default: return null;
            }
        }
    }
}
