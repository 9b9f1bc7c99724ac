public class PlaceholderTests { }
