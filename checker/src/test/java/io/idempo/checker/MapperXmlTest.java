package io.idempo.checker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MyBatis mappers whose SQL lives in XML on the class path (Maven copies it to target/classes
 * before compiling): a call to the mapper method is read like SQL in a string.
 */
class MapperXmlTest {

  @TempDir Path classes;

  @Test
  void statementsInMapperXmlAreRead() throws IOException {
    Path mappers = Files.createDirectories(classes.resolve("mapper"));
    Files.writeString(
        mappers.resolve("StockMapper.xml"),
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN"
          "http://mybatis.org/dtd/mybatis-3-mapper.dtd">
        <mapper namespace="shop.StockMapper">
          <update id="decrease">
            update stock set qty = qty - #{n} where sku = #{sku} and qty &gt;= #{n}
          </update>
          <update id="decreaseDynamic">
            update stock <set> <if test="n != null">qty = qty - #{n},</if> </set>
            where sku = #{sku}
          </update>
          <update id="setLevel">update stock set qty = #{qty} where sku = #{sku}</update>
          <update id="claim">
            update stock set qty = qty - #{n}, status = 'RESERVED'
            where sku = #{sku} and status = 'NEW'
          </update>
        </mapper>
        """);
    Files.writeString(classes.resolve("notes.xml"), "<notes><mapper/></notes>");
    Sources.helper(
            getClass(),
            "-classpath",
            System.getProperty("java.class.path") + File.pathSeparator + classes)
        .addSourceLines(
            "shop/StockMapper.java",
            "package shop;",
            "public interface StockMapper {",
            "  int decrease(String sku, int n);",
            "  int decreaseDynamic(String sku, Integer n);",
            "  int setLevel(String sku, int qty);",
            "  int claim(String sku, int n);",
            "}")
        .addSourceLines(
            "shop/Listener.java",
            "package shop;",
            "import io.idempo.IdempotentHandler;",
            "class Listener {",
            "  private StockMapper mapper;",
            "  @IdempotentHandler void on(String sku, int n) {",
            "    // BUG: Diagnostic contains: `UPDATE … SET qty = qty - ?`",
            "    mapper.decrease(sku, n);",
            "    // BUG: Diagnostic contains: `UPDATE … SET qty = qty - ?`",
            "    mapper.decreaseDynamic(sku, n);",
            "    mapper.setLevel(sku, n);",
            "    mapper.claim(sku, n);",
            "  }",
            "}")
        .doTest();
  }
}
