using System.Text.Json;
using System.Text.Json.Serialization;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Api
{
    /// <summary>The JSON configuration of the API bodies, with their metadata generated at build time instead of by reflection on first use.</summary>
    internal static class ApiJson
    {
        public static readonly JsonSerializerOptions Options = ApigJson.CreateOptions(ApiJsonContext.Default);
    }

    // Only the metadata is generated: reading and writing go through the converters of ApigJson's options, which stay in charge.
    [JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
    [JsonSerializable(typeof(CertFormBody))]
    [JsonSerializable(typeof(UrlDomainCreateBody))]
    [JsonSerializable(typeof(BindCertificateResponse))]
    [JsonSerializable(typeof(CertificateDetails))]
    [JsonSerializable(typeof(InstanceListBody))]
    [JsonSerializable(typeof(GroupListBody))]
    [JsonSerializable(typeof(GroupInfo))]
    [JsonSerializable(typeof(AssociateDomainBody))]
    [JsonSerializable(typeof(UrlDomainModifyBody))]
    [JsonSerializable(typeof(CertificateIdsBody))]
    [JsonSerializable(typeof(DomainBatchBody))]
    [JsonSerializable(typeof(CertificateListBody))]
    [JsonSerializable(typeof(AttachedDomainListBody))]
    [JsonSerializable(typeof(CcmCertificateListBody))]
    internal sealed partial class ApiJsonContext : JsonSerializerContext
    {
    }
}
