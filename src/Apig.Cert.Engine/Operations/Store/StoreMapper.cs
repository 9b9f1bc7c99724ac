using System;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>The store's wire shapes as the module's <see cref="ApigCertificate"/>.</summary>
    internal static class StoreMapper
    {
        /// <summary>What a global certificate reports as its instance_id.</summary>
        internal const string GlobalInstanceId = "common";

        public static ApigCertificate ToCertificate(CertificateDetails details, string projectId, DateTime utcNow)
        {
            DateTime? notAfter = details.NotAfter?.UtcDateTime;
            bool global = IsGlobal(details);
            return new ApigCertificate
            {
                CertificateId = details.Id ?? string.Empty,
                Name = details.Name,
                Type = global ? "Global" : string.Equals(details.Type, "instance", StringComparison.OrdinalIgnoreCase) ? "Instance" : details.Type,
                InstanceId = global || string.IsNullOrEmpty(details.InstanceId) ? null : details.InstanceId,
                ProjectId = details.ProjectId ?? projectId,
                CommonName = details.CommonName,
                SubjectAlternativeNames = details.San,
                NotBefore = details.NotBefore?.UtcDateTime,
                NotAfter = notAfter,
                // As Get-ApigDomainCertificate counts them: whole days left, negative once expired.
                DaysRemaining = notAfter.HasValue ? (int)Math.Floor((notAfter.Value - utcNow).TotalDays) : (int?)null,
                SerialNumber = string.IsNullOrEmpty(details.SerialNumber) ? null : details.SerialNumber,
                Issuer = details.Issuer.Count == 0 ? null : string.Join(", ", details.Issuer),
                SignatureAlgorithm = details.SignatureAlgorithm,
                AlgorithmType = details.AlgorithmType,
                HasTrustedRootCa = details.IsHasTrustedRootCa == true,
                CreatedAt = details.CreateTime,
                UpdatedAt = details.UpdateTime,
            };
        }

        /// <summary>Global by its type, or (a service that leaves type out) by the instance_id "common" it reports.</summary>
        public static bool IsGlobal(CertificateDetails details) =>
            string.Equals(details.Type, "global", StringComparison.OrdinalIgnoreCase)
            || (string.IsNullOrEmpty(details.Type) && string.Equals(details.InstanceId, GlobalInstanceId, StringComparison.OrdinalIgnoreCase));

        /// <summary>The scope as the API spells it in queries and forms.</summary>
        public static string? WireType(string? type) =>
            string.IsNullOrWhiteSpace(type) ? null : string.Equals(type!.Trim(), "Global", StringComparison.OrdinalIgnoreCase) ? "global" : "instance";
    }
}
