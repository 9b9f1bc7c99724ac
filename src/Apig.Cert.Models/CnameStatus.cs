namespace Apig.Cert
{
    /// <summary>CNAME resolution state of a custom domain, as APIG reports it (1-4).</summary>
    public enum CnameStatus
    {
        Unknown = 0,
        NotResolved = 1,
        Resolving = 2,
        Resolved = 3,
        Failed = 4,
    }
}
