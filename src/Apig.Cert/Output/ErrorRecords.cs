using System;
using System.IO;
using System.Management.Automation;
using Apig.Cert.Engine;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Http;

namespace Apig.Cert
{
    /// <summary>The one place an exception becomes an ErrorRecord: stable ids, categories by cause, a next step.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(Exception exception, object? target)
        {
            switch (exception)
            {
                case ApigInputException input:
                    return WithAdvice(
                        new ErrorRecord(input, input.ErrorId, CategoryFor(input), target),
                        input.Message,
                        ApigErrorAdvice.ForInput(input.ErrorId, input.InputName));

                case ApigApiException api:
                    string errorId = api.ErrorCode ?? (api.StatusCode == 0 ? "ApigConnectionFailed" : "ApigHttp" + api.StatusCode);
                    return WithAdvice(
                        new ErrorRecord(api, errorId, CategoryFor(api.StatusCode), target),
                        api.Message,
                        ApigErrorAdvice.For(api.ErrorCode, api.StatusCode));

                case ApigTlsCheckException tls:
                    // The target is the check written just before this record: $error[0].TargetObject is that very object.
                    return WithAdvice(
                        new ErrorRecord(tls, tls.ErrorId, CategoryFor(tls), tls.Check),
                        tls.Check.Error != null && tls.Check.Error.IndexOf(tls.Check.DomainName, StringComparison.OrdinalIgnoreCase) >= 0
                            ? tls.Check.Error
                            : tls.Check.DomainName + ": " + tls.Check.Error,
                        null);

                case OperationCanceledException canceled:
                    return new ErrorRecord(canceled, "OperationStopped", ErrorCategory.OperationStopped, target);

                default:
                    // Unexpected failures keep their type name but not their text: a third-party message could echo input.
                    var wrapped = new InvalidOperationException(
                        "Unexpected " + exception.GetType().Name + " while processing this item. Run again with -Debug and report the issue if it persists.");
                    return new ErrorRecord(wrapped, "UnexpectedError", ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>
        /// The error of one item of a batch. An API error names the domain by its name first: the message itself only
        /// has the id inside a URL, and on screen a batch's errors must say which domain failed.
        /// </summary>
        public static ErrorRecord ForItem(Exception exception, object? target)
        {
            ErrorRecord record = From(exception, target);
            string? name = target as string;
            if (exception is ApigApiException && !string.IsNullOrEmpty(name) && record.ErrorDetails?.Message is string message &&
                message.IndexOf(name, StringComparison.OrdinalIgnoreCase) < 0)
            {
                string? advice = record.ErrorDetails.RecommendedAction;
                record.ErrorDetails = new ErrorDetails(name + ": " + message);
                if (advice != null)
                {
                    record.ErrorDetails.RecommendedAction = advice;
                }
            }

            return record;
        }

        public static ErrorRecord NotConnected(string commandName) =>
            new ErrorRecord(
                new InvalidOperationException("Not connected to APIG. Run Connect-Apig first (for example: Connect-Apig -Region cn-north-4 -ProjectId <id>), then run " + commandName + " again."),
                "NotConnected",
                ErrorCategory.ConnectionError,
                null)
            {
                ErrorDetails = new ErrorDetails("Not connected to APIG. Run Connect-Apig first, then run " + commandName + " again.")
                {
                    RecommendedAction = "Run Connect-Apig.",
                },
            };

        /// <summary>A command that works without a connection, except with <paramref name="what"/>.</summary>
        public static ErrorRecord NotConnectedFor(string what, string because, string commandName) =>
            new ErrorRecord(
                new InvalidOperationException(commandName + " " + what + " needs a connection to APIG: " + because + ". Run Connect-Apig first, then run " + commandName + " again."),
                "NotConnected",
                ErrorCategory.ConnectionError,
                null)
            {
                ErrorDetails = new ErrorDetails(commandName + " " + what + " needs a connection to APIG: " + because + ". Run Connect-Apig first.")
                {
                    RecommendedAction = "Run Connect-Apig.",
                },
            };

        private static ErrorCategory CategoryFor(ApigTlsCheckException tls)
        {
            switch (tls.ErrorId)
            {
                case "TlsConnectTimeout":
                case "TlsHandshakeTimeout":
                case "TlsNotMatched":
                    return ErrorCategory.OperationTimeout;
                case "TlsHandshakeFailed":
                    return ErrorCategory.SecurityError;
                case "HttpsDisabled":
                case "NothingBound":
                case "BoundCertificateUnknown":
                    return ErrorCategory.InvalidOperation;
                default:
                    return ErrorCategory.ConnectionError;
            }
        }

        private static ErrorRecord WithAdvice(ErrorRecord record, string message, string? advice)
        {
            // The message already says what is wrong; the advice goes to RecommendedAction, where Get-Error and
            // runbook logs show it, instead of being repeated in the message.
            record.ErrorDetails = new ErrorDetails(message);
            if (advice != null)
            {
                record.ErrorDetails.RecommendedAction = advice;
            }

            return record;
        }

        private static ErrorCategory CategoryFor(ApigInputException input)
        {
            switch (input.ErrorId)
            {
                case "FileNotFound":
                case "DomainNotFound":
                case "InstanceNotFound":
                    return ErrorCategory.ObjectNotFound;
                case "CredentialsNotFound":
                    return ErrorCategory.AuthenticationError;
                case "InsecureEndpoint":
                case "ProxyWithPlainHttpEndpoint":
                    return ErrorCategory.SecurityError;
                default:
                    return ErrorCategory.InvalidArgument;
            }
        }

        private static ErrorCategory CategoryFor(int statusCode)
        {
            if (statusCode == 0)
            {
                return ErrorCategory.ConnectionError;
            }

            if (statusCode == 401 || statusCode == 407)
            {
                return ErrorCategory.AuthenticationError;
            }

            if (statusCode == 403)
            {
                return ErrorCategory.PermissionDenied;
            }

            if (statusCode == 404)
            {
                return ErrorCategory.ObjectNotFound;
            }

            if (statusCode == 429)
            {
                return ErrorCategory.LimitsExceeded;
            }

            if (statusCode >= 500)
            {
                return ErrorCategory.ConnectionError;
            }

            return ErrorCategory.InvalidArgument;
        }
    }
}
