using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// The Get- cmdlets over an engine listing: its pages are read on the pipeline thread, one request each, so objects
    /// stream out while later pages are still to come. Also -First/-Skip/-IncludeTotalCount for the cmdlets that declare
    /// SupportsPaging.
    /// </summary>
    public abstract class ApigListingCmdlet : ApigCmdlet
    {
        private ulong _skipped;
        private ulong _written;
        private bool _firstReached;
        private long _apiTotal;
        private bool _apiTotalKnown = true;

        private CommandConnection? _listing;

        /// <summary>
        /// The connections to list in, each in turn (Get-ApigDomain -Context $cn4, $ap1 lists both); by property name, so
        /// piped objects (instances, groups, certificates) are listed in the connection they came from. Default: the
        /// runspace's default context.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ApigContextTransformation]
        public ApigContext[]? Context { get; set; }

        protected override void BeginProcessing()
        {
            // Typed contexts are checked before anything is listed; piped ones per input.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Context)) && Context is { Length: > 0 } typed)
            {
                foreach (ApigContext context in typed)
                {
                    try
                    {
                        ConnectionOf(ResolveSession(context));
                    }
                    catch (ApigInputException ex)
                    {
                        ThrowTerminatingError(NoSessionRecord(ex, context));
                    }
                }

                return;
            }

            RequireConnected();
        }

        protected sealed override void ProcessRecord()
        {
            ApigContext?[] contexts = Context is { Length: > 0 } given ? given : new ApigContext?[] { null };
            foreach (ApigContext? context in contexts)
            {
                if (_firstReached) return;
                CommandConnection connection;
                try
                {
                    connection = ConnectionOf(ResolveSession(context));
                }
                catch (ApigInputException ex)
                {
                    if (context is null && ex.ErrorId == "NotConnected") ThrowTerminatingError(NoSessionRecord(ex, null));
                    WriteError(ErrorRecords.From(ex, context));
                    continue;
                }

                _listing = connection;
                try
                {
                    ProcessListing(connection);
                }
                finally
                {
                    _listing = null;
                }
            }
        }

        /// <summary>
        /// Lists in one connection (called once per context of the current input). Everything written through
        /// <see cref="WritePaged"/> and WritePages remembers <paramref name="connection"/>'s context.
        /// </summary>
        private protected abstract void ProcessListing(CommandConnection connection);

        private protected ResourceListing Listing(CommandConnection connection) => new ResourceListing(connection.Client, connection.ProjectId);

        /// <summary>The stored certificates' bindings over this connection's client (each certificate and group read once by it).</summary>
        private protected CertificateBindings CertificateBindings(CommandConnection connection) =>
            new CertificateBindings(connection.Client, new GroupLookup(connection.Client), connection.ProjectId, Log);

        // Every object written remembers the connection it was listed in.
        private void Emit(object item)
        {
            if (_listing != null) Stamp(item, _listing.Context);
            WriteObject(item);
        }

        /// <summary>Writes every page of <paramref name="pages"/> as it comes, until -First is reached; then adds its total.</summary>
        private protected void WritePages<T>(ListingPages<T> pages) where T : class
        {
            try
            {
                while (Await(pages.NextAsync(StopToken)) is { } page)
                {
                    foreach (T item in page)
                    {
                        if (!WritePaged(item)) return;
                    }
                }
            }
            finally
            {
                AddApiTotal(pages.ApiTotal);
            }
        }

        /// <summary>PowerShell's wildcard matching, case-insensitive, for the engine's name filter; null for no name.</summary>
        private protected static Func<string, bool>? NameMatcher(string? pattern)
        {
            if (pattern is null) return null;
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            return wildcard.IsMatch;
        }

        /// <summary>A matcher for any of several names (each exact or with wildcards); null for none.</summary>
        private protected static Func<string, bool>? AnyNameMatcher(string[] names)
        {
            if (names.Length == 0) return null;
            WildcardPattern[] patterns = names.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            return name => patterns.Any(p => p.IsMatch(name));
        }

        /// <summary>A name the API may filter by itself: one without wildcards.</summary>
        private protected static string? ExactName(string? pattern) =>
            pattern != null && !WildcardPattern.ContainsWildcardCharacters(pattern) ? pattern : null;

        /// <summary>
        /// Like <see cref="WritePages{T}(ListingPages{T})"/>, but each page's objects that -Skip and -First let through go
        /// through <paramref name="complete"/> first (one more read each, say), so only what is written costs a request.
        /// </summary>
        private protected void WritePages<T>(ListingPages<T> pages, Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<T>>> complete) where T : class
        {
            try
            {
                while (Await(pages.NextAsync(StopToken)) is { } page)
                {
                    var admitted = new List<T>(page.Count);
                    bool stop = false;
                    foreach (T item in page)
                    {
                        Admission admission = Admit();
                        if (admission == Admission.Stop)
                        {
                            stop = true;
                            break;
                        }

                        if (admission == Admission.Write) admitted.Add(item);
                    }

                    if (admitted.Count > 0)
                    {
                        foreach (T item in Await(complete(admitted, StopToken))) Emit(item);
                    }

                    if (stop) return;
                }
            }
            finally
            {
                AddApiTotal(pages.ApiTotal);
            }
        }

        /// <summary>
        /// Writes <paramref name="item"/> unless -Skip still swallows it. Returns false once -First is reached, so the
        /// caller stops listing instead of reading pages nobody will see.
        /// </summary>
        private protected bool WritePaged(object item)
        {
            Admission admission = Admit();
            if (admission == Admission.Write) Emit(item);
            return admission != Admission.Stop;
        }

        private enum Admission
        {
            Skip,
            Write,
            Stop,
        }

        // What -Skip and -First make of the next object.
        private Admission Admit()
        {
            PagingParameters? paging = PagingParameters;
            if (paging is null)
            {
                return Admission.Write;
            }

            if (_firstReached)
            {
                return Admission.Stop;
            }

            if (_skipped < paging.Skip)
            {
                _skipped++;
                return Admission.Skip;
            }

            if (_written >= paging.First)
            {
                _firstReached = true;
                return Admission.Stop;
            }

            _written++;
            return Admission.Write;
        }

        // The sum of the totals of the listings the output came from; one unknown total makes it unknown.
        private void AddApiTotal(long? total)
        {
            if (total is long value) _apiTotal += value;
            else _apiTotalKnown = false;
        }

        protected override void EndProcessing()
        {
            PagingParameters? paging = PagingParameters;
            if (paging is null || !paging.IncludeTotalCount)
            {
                return;
            }

            if (_apiTotalKnown && _apiTotal > 0)
            {
                WriteObject(paging.NewTotalCount((ulong)_apiTotal, 1.0));
                return;
            }

            // Counted here: exact when the listing ran to its end; once -First stopped it, only a lower bound.
            WriteObject(paging.NewTotalCount(_skipped + _written, _firstReached ? 0.0 : 1.0));
        }
    }
}
