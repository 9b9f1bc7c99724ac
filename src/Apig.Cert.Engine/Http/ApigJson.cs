using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Apig.Cert.Engine.Http
{
    /// <summary>The one JSON configuration: snake_case, tolerant of missing, extra and oddly typed fields.</summary>
    internal static class ApigJson
    {
        public static readonly JsonSerializerOptions Options = CreateOptions();

        private static JsonSerializerOptions CreateOptions()
        {
            var options = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                PropertyNameCaseInsensitive = true,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                NumberHandling = JsonNumberHandling.AllowReadingFromString,
            };
            options.Converters.Add(new LenientDateTimeOffsetConverter());
            return options;
        }

        public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

        public static T Deserialize<T>(ArraySegment<byte> utf8Json) where T : class, new()
        {
            bool blank = true;
            for (int i = utf8Json.Offset; i < utf8Json.Offset + utf8Json.Count && blank; i++)
            {
                blank = utf8Json.Array![i] == (byte)' ' || utf8Json.Array[i] == (byte)'\t' || utf8Json.Array[i] == (byte)'\r' || utf8Json.Array[i] == (byte)'\n';
            }

            if (blank) return new T();
            return JsonSerializer.Deserialize<T>(new ReadOnlySpan<byte>(utf8Json.Array, utf8Json.Offset, utf8Json.Count), Options) ?? new T();
        }

        public static T Deserialize<T>(string json) where T : class, new()
        {
            if (string.IsNullOrWhiteSpace(json)) return new T();
            return JsonSerializer.Deserialize<T>(json, Options) ?? new T();
        }

        public static DateTimeOffset? ParseDate(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                    out DateTimeOffset parsed))
            {
                return parsed;
            }

            return null;
        }

        /// <summary>APIG dates come as ISO strings in several shapes, sometimes as unix seconds; anything else becomes null, not an error.</summary>
        private sealed class LenientDateTimeOffsetConverter : JsonConverter<DateTimeOffset?>
        {
            public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        return ParseDate(reader.GetString());
                    case JsonTokenType.Number:
                        if (!reader.TryGetInt64(out long number) || number <= 0) return null;
                        // Some APIG fields carry milliseconds; no real date in seconds reaches 10^11 (year 5138).
                        if (number < 100_000_000_000L) return DateTimeOffset.FromUnixTimeSeconds(number);
                        if (number < 253_402_300_800_000L) return DateTimeOffset.FromUnixTimeMilliseconds(number);
                        return null;
                    default:
                        reader.Skip();
                        return null;
                }
            }

            public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
            {
                if (value.HasValue) writer.WriteStringValue(value.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                else writer.WriteNullValue();
            }
        }
    }
}
