namespace Apig.Cert
{
    /// <summary>
    /// An object a cmdlet emits that remembers the connection it came from, so piping it into the next cmdlet acts in the
    /// same region and project without naming the context again. The context holds no secret.
    /// </summary>
    public interface IApigContextBound
    {
        /// <summary>The context of the connection that read or changed this object; set by the cmdlet that emits it.</summary>
        ApigContext? Context { get; set; }
    }
}
