namespace Apig.Cert.Engine.Api
{
    /// <summary>CCM certificate ids ("scs1554192131150") go into URL paths: the same rule as APIG's ids, with CCM's wording.</summary>
    public static class CcmIds
    {
        public static string EnsureValid(string? value, string inputName)
        {
            string trimmed = (value ?? string.Empty).Trim();
            if (trimmed.Length == 0)
            {
                throw new ApigInputException("CcmCertificateIdRequired", inputName,
                    "-" + inputName + " is empty. Give the id of a CCM certificate, as Get-ApigCcmCertificate shows it (for example scs1554192131150).");
            }

            if (!ApigIds.IsValid(trimmed))
            {
                throw new ApigInputException("InvalidId", inputName,
                    "The -" + inputName + " given is not a valid CCM certificate id (it must not contain '/', '\\', '?', '#', '%', '..' or whitespace). " +
                    "Use the id exactly as Get-ApigCcmCertificate shows it.");
            }

            return trimmed;
        }
    }
}
