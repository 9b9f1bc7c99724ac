namespace Apig.Emulator;

/// <summary>
/// The API/IAM request log. An entry is added when a request starts, so a hung or dropped request is visible,
/// and completed when it ends. Never holds bodies, nor any header but X-Language (which carries no secret).
/// </summary>
public sealed class RequestLog
{
    public const int Capacity = 100_000;

    private readonly object _sync = new();
    private readonly LinkedList<RequestLogEntry> _entries = new();
    private long _nextSeq;

    public RequestLogEntry Start(DateTimeOffset time, string method, string path, string query, string auth, string? language = null)
    {
        lock (_sync)
        {
            var entry = new RequestLogEntry(++_nextSeq, time, method, path, query, auth, language);
            _entries.AddLast(entry);
            if (_entries.Count > Capacity) _entries.RemoveFirst();
            return entry;
        }
    }

    public void Complete(RequestLogEntry entry, int? status, string? errorCode, string? fault, long durationMs)
    {
        lock (_sync)
        {
            entry.Status = status;
            entry.ErrorCode = errorCode;
            entry.Fault = fault;
            entry.DurationMs = durationMs;
        }
    }

    public void MarkFault(RequestLogEntry entry, string fault)
    {
        lock (_sync) entry.Fault = fault;
    }

    /// <summary>A copy, oldest first, taken under the lock so callers never see a half-written entry.</summary>
    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_sync) return _entries.Select(e => e.Clone()).ToList();
    }

    public int Count { get { lock (_sync) return _entries.Count; } }

    /// <summary>Empties the log; numbering goes on, so a client polling by seq never sees a number twice.</summary>
    public void Clear()
    {
        lock (_sync) _entries.Clear();
    }

    /// <summary>Empties the log and numbers from 1 again, as on a fresh start.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _entries.Clear();
            _nextSeq = 0;
        }
    }
}

public sealed class RequestLogEntry(long seq, DateTimeOffset time, string method, string path, string query, string auth,
    string? language)
{
    public long Seq { get; } = seq;
    public DateTimeOffset Time { get; } = time;
    public string Method { get; } = method;
    public string Path { get; } = path;
    public string Query { get; } = query;
    public string Auth { get; } = auth;
    /// <summary>The X-Language header as sent, null when absent: clients must send en-us so messages are not localised.</summary>
    public string? Language { get; } = language;
    /// <summary>Null while the request runs, and for a dropped connection or a client that went away.</summary>
    public int? Status { get; internal set; }
    public string? ErrorCode { get; internal set; }
    public string? Fault { get; internal set; }
    public long? DurationMs { get; internal set; }

    internal RequestLogEntry Clone() => new(Seq, Time, Method, Path, Query, Auth, Language)
    {
        Status = Status, ErrorCode = ErrorCode, Fault = Fault, DurationMs = DurationMs,
    };
}
