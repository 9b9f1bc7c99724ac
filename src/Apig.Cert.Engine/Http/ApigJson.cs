using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Apig.Cert.Engine.Http
{
    /// <summary>The one JSON configuration: snake_case, tolerant of missing, extra and oddly typed fields.</summary>
    internal static class ApigJson
    {
        public static readonly JsonSerializerOptions Options = CreateOptions(null);

        /// <summary>
        /// The configuration, with metadata from <paramref name="generated"/> (a source-generated context) first: building
        /// it by reflection costs a fresh process tens of milliseconds per type. Types it lacks still work by reflection.
        /// </summary>
        internal static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver? generated)
        {
            var options = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                PropertyNameCaseInsensitive = true,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                NumberHandling = JsonNumberHandling.AllowReadingFromString,
            };
            options.Converters.Add(new LenientDateTimeOffsetConverter());
            // A field the module barely uses must never fail a whole listing because the service changed its JSON type:
            // an unexpected type reads as null (or the default), never as an exception. List envelopes (List<T>) and
            // "total" keep strict handling: without them there is no listing.
            options.Converters.Add(new LenientStringConverter());
            options.Converters.Add(new LenientInt32Converter());
            options.Converters.Add(new LenientNullableInt32Converter());
            options.Converters.Add(new LenientNullableBooleanConverter());
            options.Converters.Add(new LenientReadOnlyListConverterFactory());
            if (generated != null)
            {
                options.TypeInfoResolver = JsonTypeInfoResolver.Combine(generated, new DefaultJsonTypeInfoResolver());
            }

            return options;
        }

        public static byte[] Serialize<T>(T value, JsonSerializerOptions? options = null) => JsonSerializer.SerializeToUtf8Bytes(value, options ?? Options);

        public static T Deserialize<T>(ArraySegment<byte> utf8Json, JsonSerializerOptions? options = null) where T : class, new()
        {
            bool blank = true;
            for (int i = utf8Json.Offset; i < utf8Json.Offset + utf8Json.Count && blank; i++)
            {
                blank = utf8Json.Array![i] == (byte)' ' || utf8Json.Array[i] == (byte)'\t' || utf8Json.Array[i] == (byte)'\r' || utf8Json.Array[i] == (byte)'\n';
            }

            if (blank) return new T();
            return JsonSerializer.Deserialize<T>(new ReadOnlySpan<byte>(utf8Json.Array, utf8Json.Offset, utf8Json.Count), options ?? Options) ?? new T();
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

        /// <summary>A number's digits when it fits in a long, or the text of a string; null for anything else.</summary>
        private static long? ReadInteger(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    return reader.TryGetInt64(out long number) ? number : (long?)null;
                case JsonTokenType.String:
                    return long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) ? parsed : (long?)null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        private static int? ToInt32(long? value) => value.HasValue && value.Value >= int.MinValue && value.Value <= int.MaxValue ? (int)value.Value : (int?)null;

        private sealed class LenientStringConverter : JsonConverter<string?>
        {
            public override bool HandleNull => true;

            public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.String: return reader.GetString();
                    // An id sent as a number is still that id.
                    case JsonTokenType.Number:
                        if (reader.TryGetInt64(out long integer)) return integer.ToString(CultureInfo.InvariantCulture);
                        return reader.TryGetDecimal(out decimal number) ? number.ToString(CultureInfo.InvariantCulture) : null;
                    case JsonTokenType.True: return "true";
                    case JsonTokenType.False: return "false";
                    default:
                        reader.Skip();
                        return null;
                }
            }

            public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
            {
                if (value == null) writer.WriteNullValue();
                else writer.WriteStringValue(value);
            }
        }

        /// <summary>Reads null itself (as "no value") and writes values the ordinary way.</summary>
        internal abstract class LenientNullableConverter<T> : JsonConverter<T?>
            where T : struct
        {
            public override bool HandleNull => true;

            public override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options)
            {
                if (value.HasValue) JsonSerializer.Serialize(writer, value.Value, options);
                else writer.WriteNullValue();
            }
        }

        private sealed class LenientInt32Converter : JsonConverter<int>
        {
            public override bool HandleNull => true;

            public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ToInt32(ReadInteger(ref reader)) ?? 0;

            public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
        }

        private sealed class LenientNullableInt32Converter : LenientNullableConverter<int>
        {
            public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ToInt32(ReadInteger(ref reader));
        }

        /// <summary>For the one long the module reads besides totals (create_time): applied by attribute, not globally, so "total" stays strict.</summary>
        internal sealed class LenientNullableInt64Converter : LenientNullableConverter<long>
        {
            public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadInteger(ref reader);
        }

        /// <summary>ssl_infos[].type: 1 or 2 now, "instance" or "global" before 2026-02; anything else is unknown (null).</summary>
        internal sealed class CertificateScopeConverter : LenientNullableConverter<int>
        {
            public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    string? text = reader.GetString()?.Trim();
                    if (string.Equals(text, "instance", StringComparison.OrdinalIgnoreCase)) return 1;
                    if (string.Equals(text, "global", StringComparison.OrdinalIgnoreCase)) return 2;
                }

                int? scope = ToInt32(ReadInteger(ref reader));
                return scope == 1 || scope == 2 ? scope : null;
            }
        }

        private sealed class LenientNullableBooleanConverter : LenientNullableConverter<bool>
        {
            public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.True: return true;
                    case JsonTokenType.False: return false;
                    case JsonTokenType.String:
                        string? text = reader.GetString();
                        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase)) return true;
                        if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase)) return false;
                        return null;
                    case JsonTokenType.Number:
                        return reader.TryGetInt64(out long number) && (number == 0 || number == 1) ? number == 1 : (bool?)null;
                    default:
                        reader.Skip();
                        return null;
                }
            }
        }

        /// <summary>
        /// Optional lists (IReadOnlyList of strings or objects): a lone value where a list belongs is read as a list of one,
        /// anything else as no list; an element of the wrong kind is left out rather than failing the whole object.
        /// </summary>
        private sealed class LenientReadOnlyListConverterFactory : JsonConverterFactory
        {
            public override bool CanConvert(Type typeToConvert) =>
                typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);

            public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
                (JsonConverter)Activator.CreateInstance(typeof(LenientReadOnlyListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
        }

        private sealed class LenientReadOnlyListConverter<T> : JsonConverter<IReadOnlyList<T>?>
        {
            public override bool HandleNull => true;

            public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    var items = new List<T>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (TryReadItem(ref reader, options, out T item)) items.Add(item);
                    }

                    return items;
                }

                if (reader.TokenType == JsonTokenType.Null) return null;
                return TryReadItem(ref reader, options, out T single) ? new[] { single } : null;
            }

            private static bool TryReadItem(ref Utf8JsonReader reader, JsonSerializerOptions options, out T item)
            {
                item = default!;
                bool fits = typeof(T) == typeof(string)
                    ? reader.TokenType == JsonTokenType.String || reader.TokenType == JsonTokenType.Number
                    : reader.TokenType == JsonTokenType.StartObject;
                if (!fits)
                {
                    reader.Skip();
                    return false;
                }

                T? value = JsonSerializer.Deserialize<T>(ref reader, options);
                if (value == null) return false;
                item = value;
                return true;
            }

            public override void Write(Utf8JsonWriter writer, IReadOnlyList<T>? value, JsonSerializerOptions options)
            {
                if (value == null)
                {
                    writer.WriteNullValue();
                    return;
                }

                writer.WriteStartArray();
                foreach (T item in value) JsonSerializer.Serialize(writer, item, options);
                writer.WriteEndArray();
            }
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
