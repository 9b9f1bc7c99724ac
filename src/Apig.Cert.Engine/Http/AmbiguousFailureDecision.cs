namespace Apig.Cert.Engine.Http
{
    /// <summary>What <see cref="AmbiguousFailureConfirmation"/> concluded about a change request that may have taken effect.</summary>
    internal enum AmbiguousFailureDecision
    {
        /// <summary>Sending it again is safe: the change is not there, or it is a DELETE (whose 404 then means done).</summary>
        Repeat,

        /// <summary>The change is there: report success although no good answer came.</summary>
        Applied,

        /// <summary>Nobody can tell: sending it again could make the change twice.</summary>
        Stop,
    }
}
