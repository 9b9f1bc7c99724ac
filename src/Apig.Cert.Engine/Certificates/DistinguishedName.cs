using System.Collections.Generic;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X500;
using Org.BouncyCastle.Asn1.X509;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Renders names the way Windows and RFC 4514 readers expect ("CN=www.example.com, O=Example": most specific
    /// first), rather than BouncyCastle's encoding-order "C=..,O=..,CN=..". Not .NET's X500DistinguishedName: it quotes
    /// values (O="Smith, Jones") where RFC 4514 escapes them, writes "OID.1.2.3" and "S=", and on netstandard2.0 cannot
    /// list the attributes one by one, which <see cref="Parts"/> needs.
    /// </summary>
    internal static class DistinguishedName
    {
        internal static string Format(X509Name name)
        {
            Asn1Sequence rdns = Asn1Sequence.GetInstance(name.ToAsn1Object());
            var parts = new List<string>(rdns.Count);
            for (int i = rdns.Count - 1; i >= 0; i--)
            {
                Asn1Set rdn = Asn1Set.GetInstance(rdns[i]);
                var attributes = new List<string>(rdn.Count);
                foreach (Asn1Encodable element in rdn)
                {
                    AttributeTypeAndValue attribute = AttributeTypeAndValue.GetInstance(element);
                    attributes.Add(AttributeName(attribute.Type) + "=" + AttributeValue(attribute.Value));
                }

                parts.Add(string.Join("+", attributes));
            }

            return string.Join(", ", parts);
        }

        /// <summary>
        /// Every attribute as "CN=value" in encoding order, the value unescaped: how APIG lists issuer[] parts
        /// (each attribute of a multi-valued RDN is a part of its own).
        /// </summary>
        internal static IReadOnlyList<string> Parts(X509Name name)
        {
            Asn1Sequence rdns = Asn1Sequence.GetInstance(name.ToAsn1Object());
            var parts = new List<string>(rdns.Count);
            foreach (Asn1Encodable rdnElement in rdns)
            {
                foreach (Asn1Encodable element in Asn1Set.GetInstance(rdnElement))
                {
                    AttributeTypeAndValue attribute = AttributeTypeAndValue.GetInstance(element);
                    parts.Add(AttributeName(attribute.Type) + "=" + (TextOf(attribute.Value) ?? HexForm(attribute.Value)));
                }
            }

            return parts;
        }

        /// <summary>The most specific CN (the last one in encoding order), or empty.</summary>
        internal static string CommonName(X509Name name)
        {
            var values = name.GetValueList(X509Name.CN);
            return values.Count == 0 ? string.Empty : values[values.Count - 1];
        }

        private static string AttributeName(DerObjectIdentifier oid)
        {
            if (oid.Equals(X509Name.EmailAddress))
            {
                return "E";
            }

            return X509Name.DefaultSymbols.TryGetValue(oid, out string? symbol) ? symbol : oid.Id;
        }

        private static string? TextOf(Asn1Encodable value) =>
            value is IAsn1String text && !(value is DerBitString) ? text.GetString() : null;

        // RFC 4514: a value that is not a string is written as '#' and the hex of its DER encoding.
        private static string HexForm(Asn1Encodable value) => "#" + Hex.Upper(value.GetEncoded(Asn1Encodable.Der));

        private static string AttributeValue(Asn1Encodable value)
        {
            string? raw = TextOf(value);
            if (raw == null)
            {
                return HexForm(value);
            }

            var escaped = new StringBuilder(raw.Length + 4);
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' || c == '='
                    || (i == 0 && (c == '#' || c == ' '))
                    || (i == raw.Length - 1 && c == ' ');
                if (special)
                {
                    escaped.Append('\\');
                }

                escaped.Append(c);
            }

            return escaped.ToString();
        }
    }
}
