using System;

namespace Apig.Cert
{
    /// <summary>APIG (or IAM) answered with an error, or could not be reached. Never carries request bodies or secrets.</summary>
    public sealed class ApigApiException : Exception
    {
        public ApigApiException(string message, int statusCode, string? errorCode, string? errorMessage, string? requestId,
            string method, string path, Exception? innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
            RequestId = requestId;
            Method = method;
            Path = path;
        }

        /// <summary>HTTP status; 0 when no response arrived (connection failure, timeout).</summary>
        public int StatusCode { get; }

        /// <summary>The body's error_code, e.g. "APIG.3020"; null when the body had none.</summary>
        public string? ErrorCode { get; }

        /// <summary>The body's error_msg.</summary>
        public string? ErrorMessage { get; }

        /// <summary>The X-Request-Id response header.</summary>
        public string? RequestId { get; }

        public string Method { get; }

        /// <summary>Request path without query string.</summary>
        public string Path { get; }
    }
}
