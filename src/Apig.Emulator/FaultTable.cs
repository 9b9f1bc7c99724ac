using System.Text.RegularExpressions;

namespace Apig.Emulator;

/// <summary>Injected failures. Each rule fires for the next <c>count</c> matching API requests (-1 = forever).</summary>
public sealed class FaultTable
{
    /// <summary>
    /// The ambiguous failures: the request is carried out (state changes) and only then does the answer fail,
    /// as when a gateway or the network loses the response. A client cannot tell these from a failure before the
    /// change, which is what retry logic must cope with.
    /// </summary>
    public const string ApplyThenFail = "applyThenFail";
    public const string ApplyThenDrop = "applyThenDrop";

    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal)
        { "error9999", "error9008", "throttle", "drop", "hang", "error", ApplyThenFail, ApplyThenDrop };

    public static bool AppliesFirst(string? action) => action is ApplyThenFail or ApplyThenDrop;

    private readonly object _sync = new();
    private readonly List<FaultRule> _rules = new();

    public FaultRule Add(FaultSpec spec)
    {
        if (string.IsNullOrEmpty(spec.Action) || !Actions.Contains(spec.Action))
            throw new ArgumentException($"action must be one of: {string.Join(", ", Actions)}");
        if (spec.Count == 0 || spec.Count < -1) throw new ArgumentException("count must be a positive number or -1 (forever)");
        Regex? pathRegex = null;
        if (!string.IsNullOrEmpty(spec.Path))
        {
            try { pathRegex = new Regex(spec.Path, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException) { throw new ArgumentException("path is not a valid regular expression"); }
        }
        if (spec.Action == "error" && ((spec.Status ?? 400) is < 100 or > 599 || string.IsNullOrEmpty(spec.ErrorCode)))
            throw new ArgumentException("action 'error' needs status (100-599) and errorCode");
        if (spec.Action == ApplyThenFail && spec.Status is < 400 or > 599)
            throw new ArgumentException("action 'applyThenFail' needs a failure status (400-599; default 502)");
        var rule = new FaultRule(EmulatorState.NewId(), spec, pathRegex);
        lock (_sync) _rules.Add(rule);
        return rule;
    }

    /// <summary>Finds the first live rule for this request and uses up one of its count.</summary>
    public FaultRule? TakeMatch(string method, string path)
    {
        lock (_sync)
        {
            foreach (FaultRule rule in _rules)
            {
                if (rule.Remaining == 0) continue;
                if (!string.IsNullOrEmpty(rule.Spec.Method) && rule.Spec.Method != "*"
                    && !string.Equals(rule.Spec.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (rule.PathRegex is not null && !rule.PathRegex.IsMatch(path)) continue;
                if (rule.Remaining > 0) rule.Remaining--;
                return rule;
            }
            return null;
        }
    }

    public IReadOnlyList<object> Describe()
    {
        lock (_sync)
            return _rules.Select(r => (object)new
            {
                id = r.Id, method = r.Spec.Method, path = r.Spec.Path, action = r.Spec.Action, count = r.Spec.Count,
                remaining = r.Remaining, retryAfterSeconds = r.Spec.RetryAfterSeconds, hangSeconds = r.Spec.HangSeconds,
                status = r.Spec.Status, errorCode = r.Spec.ErrorCode, errorMsg = r.Spec.ErrorMsg,
            }).ToList();
    }

    public void Clear()
    {
        lock (_sync) _rules.Clear();
    }
}

/// <summary>Body of POST /_emulator/faults.</summary>
public sealed class FaultSpec
{
    public string? Method { get; set; }
    public string? Path { get; set; }
    public int Count { get; set; } = 1;
    public string? Action { get; set; }
    public int RetryAfterSeconds { get; set; } = 1;
    public int HangSeconds { get; set; } = 30;
    /// <summary>Default 400 for "error" and 502 for "applyThenFail".</summary>
    public int? Status { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMsg { get; set; }
}

public sealed class FaultRule(string id, FaultSpec spec, Regex? pathRegex)
{
    public string Id { get; } = id;
    public FaultSpec Spec { get; } = spec;
    public Regex? PathRegex { get; } = pathRegex;
    /// <summary>-1 = forever. Changed only under the table's lock.</summary>
    public int Remaining { get; internal set; } = spec.Count;
}
