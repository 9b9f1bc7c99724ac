namespace Apig.Cert
{
    /// <summary>CNAME resolution state of a custom domain, as APIG reports it (1-4).</summary>
    /// <remarks>
    /// Based on long on purpose: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes enums over long by
    /// name and every other enum as a bare number, which reads as nothing in a report.
    /// </remarks>
    public enum CnameStatus : long
    {
        Unknown = 0,
        NotResolved = 1,
        Resolving = 2,
        Resolved = 3,
        Failed = 4,
    }

    /// <summary>State of an API group as APIG reports it (1 = valid). Based on long for the reason given on CnameStatus.</summary>
    public enum ApigGroupStatus : long
    {
        Unknown = 0,
        Valid = 1,
    }
}
