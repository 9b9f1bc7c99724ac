namespace Apig.Cert.Engine.Http
{
    // Stub until the HTTP branch lands.
    public static class ApigErrorAdvice
    {
        public static string? For(string? errorCode, int status) => null;
    }
}
