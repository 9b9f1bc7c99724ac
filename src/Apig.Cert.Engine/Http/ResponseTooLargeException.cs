using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>Thrown while reading a body past <see cref="ApigHttpPipeline.MaxResponseBytes"/>; never leaves the pipeline.</summary>
    internal sealed class ResponseTooLargeException : Exception
    {
    }
}
