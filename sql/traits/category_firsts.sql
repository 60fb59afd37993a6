-- Each product category with the first day anyone bought it: the category universe of any date, in a few rows.
SELECT product_category, min(order_date) AS order_date
FROM staging.order_categories
GROUP BY product_category
