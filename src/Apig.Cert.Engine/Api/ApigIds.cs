using System;
using System.Globalization;
using System.Text;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// Ids end up inside URL paths. Refusing anything that could add a segment, a query, a fragment or an escape means
    /// an id can only ever name the object it names, never another operation.
    /// </summary>
    public static class ApigIds
    {
        public const int MaxLength = 64;

        /// <summary>Returns the id unchanged when it is safe; throws ApigInputException "InvalidId" otherwise.</summary>
        public static string EnsureValid(string? value, string inputName)
        {
            string? problem = ProblemWith(value);
            if (problem == null) return value!;

            string shown = value == null ? "(null)" : "'" + Printable(value) + "'";
            throw new ApigInputException("InvalidId", inputName,
                "The " + inputName + " " + shown + " is not a valid id: " + problem + ". Use the id exactly as Get-ApigDomain shows it.");
        }

        public static bool IsValid(string? value) => ProblemWith(value) == null;

        private static string? ProblemWith(string? value)
        {
            if (value == null) return "it is missing";
            if (value.Length == 0) return "it is empty";
            if (value.Trim().Length == 0) return "it is blank";
            if (value.Length > MaxLength) return "it is longer than " + MaxLength + " characters";
            if (value.Contains("..")) return "it contains '..'";
            // A lone "." is a dot-segment: URI normalisation would drop it and shift the path onto another resource.
            if (value == ".") return "it is '.'";
            foreach (char c in value)
            {
                if (char.IsControl(c)) return "it contains a control character";
                if (char.IsWhiteSpace(c)) return "it contains whitespace";
                switch (c)
                {
                    case '/':
                    case '\\':
                    case '?':
                    case '#':
                    case '%':
                        return "it contains '" + c + "'";
                }
            }

            return null;
        }

        /// <summary>Ids are not secret, so they are shown, but control characters are escaped so the message stays one readable line.</summary>
        private static string Printable(string value)
        {
            var text = new StringBuilder();
            foreach (char c in value.Length > 100 ? value.Substring(0, 100) : value)
            {
                if (char.IsControl(c)) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else text.Append(c);
            }

            if (value.Length > 100) text.Append("...");
            return text.ToString();
        }
    }
}
