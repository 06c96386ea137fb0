package io.idempo.checker;

import com.google.errorprone.VisitorState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The SQL of MyBatis XML mappers on the class path, by mapper interface and statement id: {@code
 * <mapper namespace="shop.StockMapper"><update id="decrease">update stock set qty = qty - #{n}
 * …}. Maven copies resources to {@code target/classes} before it compiles, and that directory is on
 * the class path, so a call to {@code StockMapper.decrease} can be read like SQL in a string.
 *
 * <p>The usual mapper folders ({@code mapper/}, {@code mappers/}, {@code mybatis/}, …) are read
 * once per compilation, and the package of a mapper interface when it is first called; a file that
 * is not a mapper, or does not parse, is skipped.
 */
final class MapperXml {

  private static final int MAX_FILES = 5_000;

  private final Map<String, String> statements = new HashMap<>();
  private final Set<String> readPackages = new HashSet<>();
  private final @Nullable JavaFileManager fileManager;
  private final @Nullable DocumentBuilder parser = parser();
  private int budget = MAX_FILES;

  private MapperXml(@Nullable JavaFileManager fileManager) {
    this.fileManager = fileManager;
  }

  static MapperXml load(VisitorState state) {
    MapperXml mappers = new MapperXml(state.context.get(JavaFileManager.class));
    for (String folder : Vocabulary.MAPPER_XML_FOLDERS) {
      mappers.readPackage(folder, true);
    }
    return mappers;
  }

  /**
   * Reads the XML files of one package of the class path, through the file manager (a build tool
   * or an annotation processor such as Lombok may wrap it, so no file system paths are assumed).
   */
  private void readPackage(String packageName, boolean recurse) {
    if (fileManager == null || !readPackages.add(packageName)) {
      return;
    }
    try {
      for (JavaFileObject file :
          fileManager.list(
              StandardLocation.CLASS_PATH, packageName, EnumSet.of(JavaFileObject.Kind.OTHER), recurse)) {
        if (budget-- <= 0) {
          return;
        }
        if (file.getName().endsWith(".xml")) {
          read(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      // An unreadable location contributes nothing.
    }
  }

  /**
   * The SQL of statement {@code id} of the mapper for {@code namespace}, or null. Mappers kept next
   * to their interface (the namespace's package) are read the first time they are asked for.
   */
  @Nullable String sql(String namespace, String id) {
    int dot = namespace.lastIndexOf('.');
    if (dot > 0) {
      readPackage(namespace.substring(0, dot), false);
    }
    return statements.get(namespace + "#" + id);
  }

  private void read(JavaFileObject file) {
    if (parser == null) {
      return;
    }
    try {
      byte[] bytes;
      try (InputStream in = file.openInputStream()) {
        bytes = in.readAllBytes();
      }
      if (!new String(bytes, StandardCharsets.UTF_8).contains("<mapper")) {
        return;
      }
      Document document = parser.parse(new ByteArrayInputStream(bytes));
      Element mapper = document.getDocumentElement();
      String namespace = mapper.getAttribute("namespace");
      if (!mapper.getTagName().equals("mapper") || namespace.isEmpty()) {
        return;
      }
      NodeList children = mapper.getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if (children.item(i) instanceof Element statement
            && (statement.getTagName().equals("update") || statement.getTagName().equals("insert"))
            && !statement.getAttribute("id").isEmpty()) {
          statements.put(namespace + "#" + statement.getAttribute("id"), text(statement));
        }
      }
    } catch (Exception e) {
      // Not a mapper we can read: skipped.
    }
  }

  /** The statement as MyBatis would run it, with {@code <set>}, {@code <where>} and trims spelled. */
  private static String text(Node node) {
    StringBuilder sql = new StringBuilder();
    NodeList children = node.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node child = children.item(i);
      if (child instanceof Element element) {
        switch (element.getTagName()) {
          case "set" -> sql.append(" SET ");
          case "where" -> sql.append(" WHERE ");
          case "trim" -> sql.append(' ').append(element.getAttribute("prefix")).append(' ');
          default -> {}
        }
        sql.append(' ').append(text(element)).append(' ');
      } else if (child.getNodeType() == Node.TEXT_NODE
          || child.getNodeType() == Node.CDATA_SECTION_NODE) {
        sql.append(child.getNodeValue());
      }
    }
    return sql.toString();
  }

  private static @Nullable DocumentBuilder parser() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(false);
      factory.setValidating(false);
      // MyBatis mappers name a DTD by URL: never fetch it, never expand entities.
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder;
    } catch (Exception e) {
      return null;
    }
  }
}
